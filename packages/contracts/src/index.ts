/**
 * The API's shapes, shared by the services and the web app. Types and constants only — no
 * server dependency — so the web app can import them without bundling any service code.
 * One file per area; add yours and export it here.
 */
export * from './admin.ts';
export * from './ai.ts';
export * from './account.ts';
export * from './auth.ts';
export * from './chat.ts';
export * from './chat-search.ts';
export * from './problem.ts';
export * from './realtime.ts';
export * from './users.ts';
