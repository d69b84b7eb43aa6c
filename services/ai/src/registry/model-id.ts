/**
 * The registry's rule for a model id, wherever one comes in: the admin API (JSON schema), the
 * provider document and the model lists that discovery reads. Ids travel in URLs, metrics
 * labels and the OpenAI-compatible API, hence the small alphabet and the length.
 */
export const MODEL_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$';
export const MODEL_ID = new RegExp(MODEL_ID_PATTERN);
