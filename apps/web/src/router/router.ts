import { createRouter, createWebHistory, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router';
import { useSessionStore } from '../stores/session.ts';

declare module 'vue-router' {
  interface RouteMeta {
    /** Only for signed-in users; others go to sign-in and come back after. */
    requiresAuth?: boolean;
    /** Only for signed-out users (sign-in, sign-up); signed-in users go to the chat. */
    guestOnly?: boolean;
    /** The conversation sidebar is shown beside this page. */
    sidebar?: boolean;
  }
}

// Every page is its own chunk: the sign-in page loads none of the chat's code.
export const routes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: () => import('../pages/SignInPage.vue'), meta: { guestOnly: true } },
  { path: '/sign-up', name: 'sign-up', component: () => import('../pages/SignUpPage.vue'), meta: { guestOnly: true } },
  { path: '/forgot-password', name: 'forgot-password', component: () => import('../pages/ForgotPasswordPage.vue') },
  // The auth service's e-mails link here: ${VERSAAI_PUBLIC_URL}/reset-password?token=… and /verify-email?token=…
  { path: '/reset-password', name: 'reset-password', component: () => import('../pages/ResetPasswordPage.vue') },
  { path: '/verify-email', name: 'verify-email', component: () => import('../pages/VerifyEmailPage.vue') },
  {
    // The signed-in layout: header and navigation; the conversation sidebar only beside the chat.
    path: '/',
    component: () => import('../pages/AppShell.vue'),
    meta: { requiresAuth: true },
    children: [
      { path: '', redirect: { name: 'chat' } },
      { path: 'chat', name: 'chat', component: () => import('../pages/ChatPage.vue'), meta: { sidebar: true } },
      { path: 'chat/:conversationId', name: 'conversation', component: () => import('../pages/ChatPage.vue'), props: true, meta: { sidebar: true } },
      { path: 'settings/:section?', name: 'settings', component: () => import('../pages/settings/SettingsPage.vue'), props: true },
      // Shown to everyone signed in: a non-admin sees why they cannot use it (the API refuses them anyway).
      { path: 'admin/:section?', name: 'admin', component: () => import('../pages/admin/AdminPage.vue'), props: true },
    ],
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../pages/NotFoundPage.vue') },
];

/** Where a sign-in may send the user back to: only a path of this app, never another site. */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/chat';
}

export function createAppRouter(history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({ history, routes });
  router.beforeEach(async (to) => {
    const session = useSessionStore();
    await session.restore();
    if (to.meta.requiresAuth && !session.signedIn) return { name: 'sign-in', query: { redirect: to.fullPath } };
    if (to.meta.guestOnly && session.signedIn) return safeRedirect(to.query.redirect);
    return true;
  });
  return router;
}
