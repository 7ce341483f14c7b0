// The API's snake_case shapes, shared with the HTTP client (src/wire/).
export { messageJson } from '../../wire/messages.js';
export { agentJson, sessionJson } from '../../wire/sessions.js';
