export { startFakeLlm } from './server.ts';
export { estimatePromptTokens, splitIntoTokens, defaultReplyText } from './script.ts';
export type {
  FakeLlm, FakeLlmOptions, FakeLlmFlavor, FakeLlmScript, FakeLlmFailure, FakeLlmErrorFailure, FakeLlmStallFailure,
  FakeLlmDropFailure, FakeLlmRequest, FakeLlmOutcome,
} from './types.ts';
