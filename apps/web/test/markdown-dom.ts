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

// happy-dom's NodeIterator loses its place when the node it stands on is removed (browsers move it
// to the preceding node), so DOMPurify would stop walking after the first element it removes. This
// iterator follows the standard behaviour closely enough for a sanitiser's walk: it resumes after
// the last visited node still in the tree.
class RemovalSafeNodeIterator {
  readonly #visited: Node[] = [];

  constructor(
    readonly root: Node,
    readonly whatToShow: number,
  ) {}

  nextNode(): Node | null {
    while (this.#visited.length > 0 && !this.#inTree(this.#visited.at(-1)!)) this.#visited.pop();
    let candidate = this.#visited.length === 0 ? this.root : this.#following(this.#visited.at(-1)!);
    while (candidate && !this.#shows(candidate)) candidate = this.#following(candidate);
    if (candidate) this.#visited.push(candidate);
    return candidate;
  }

  #inTree(node: Node): boolean {
    return node === this.root || this.root.contains(node);
  }

  #shows(node: Node): boolean {
    return (this.whatToShow & (1 << (node.nodeType - 1))) !== 0;
  }

  #following(node: Node): Node | null {
    if (node.firstChild) return node.firstChild;
    for (let current: Node | null = node; current && current !== this.root; current = current.parentNode) {
      if (current.nextSibling) return current.nextSibling;
    }
    return null;
  }
}

function iteratorLosesItsPlace(): boolean {
  const parent = document.createElement('div');
  parent.innerHTML = '<b></b><i></i>';
  const iterator = document.createNodeIterator(parent, NodeFilter.SHOW_ELEMENT);
  iterator.nextNode();
  iterator.nextNode()?.parentNode?.removeChild(parent.firstChild!);
  return iterator.nextNode()?.nodeName !== 'I';
}

if (iteratorLosesItsPlace()) {
  // Patched where happy-dom defines it (a Document subclass), before DOMPurify takes its reference.
  let owner = Object.getPrototypeOf(document) as object;
  while (!Object.prototype.hasOwnProperty.call(owner, 'createNodeIterator')) owner = Object.getPrototypeOf(owner) as object;
  Object.defineProperty(owner, 'createNodeIterator', {
    configurable: true,
    writable: true,
    value: function createNodeIterator(root: Node, whatToShow = NodeFilter.SHOW_ALL): NodeIterator {
      return new RemovalSafeNodeIterator(root, whatToShow) as unknown as NodeIterator;
    },
  });
}
