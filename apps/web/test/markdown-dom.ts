// happy-dom defines nodeName on each subclass and leaves Node.prototype's getter answering '' for
// elements. DOMPurify reads the Node.prototype getter (so a clobbered property cannot fool it), so
// under happy-dom it would misjudge every element. Real browsers (the e2e project) need no patch.
const base = Object.getOwnPropertyDescriptor(Node.prototype, 'nodeName');

if (base?.get && document.createElement('p').nodeName === 'P' && base.get.call(document.createElement('p')) !== 'P') {
  const baseGet = base.get;
  Object.defineProperty(Node.prototype, 'nodeName', {
    configurable: true,
    get(this: Node): string {
      for (let proto = Object.getPrototypeOf(this) as object | null; proto && proto !== Node.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
        const own = Object.getOwnPropertyDescriptor(proto, 'nodeName');
        if (own?.get) return own.get.call(this) as string;
      }
      return baseGet.call(this) as string;
    },
  });
}
