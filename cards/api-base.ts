/**
 * Where the card reaches the app. The HubSpot project assembler rewrites this file from the
 * deployment's configuration (APP_BASE_URL); the value here is for local development only.
 */
export const API_BASE = 'http://localhost:3000';
