// The chat API's shapes live in the contracts package, shared with the web app.
export * from '@versaai/contracts';
