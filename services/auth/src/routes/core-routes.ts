import type { FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { ServiceContext } from '@versaai/runtime';
import type { AuthCoreRuntime } from '../core.ts';
import { jwksRoute } from './jwks.ts';
import { loginRoute } from './login.ts';
import { logoutRoute } from './logout.ts';
import { refreshRoute } from './refresh.ts';
import { registerRoute } from './register.ts';
import { sessionRoutes } from './sessions.ts';

/** Auth's core routes: keys, registration, login, refresh, logout, sessions. */
export async function registerCoreRoutes(app: FastifyInstance, ctx: ServiceContext, core: AuthCoreRuntime): Promise<void> {
  // Inside auth's scope only: no other service reads or sets cookies.
  await app.register(fastifyCookie);
  await jwksRoute(app, core);
  await registerRoute(app, ctx, core);
  await loginRoute(app, ctx, core);
  await refreshRoute(app, ctx, core);
  await logoutRoute(app, ctx, core);
  await sessionRoutes(app, ctx, core);
}
