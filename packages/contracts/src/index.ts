/**
 * The API's shapes, shared by the services and the web app. Types and constants only — no
 * server dependency — so the web app can import them without bundling any service code.
 * One file per area; add yours and export it here.
 */
export * from './auth.ts';
export * from './chat.ts';
export * from './problem.ts';
export * from './realtime.ts';
