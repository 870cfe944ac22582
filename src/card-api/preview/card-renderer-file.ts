import path from 'node:path';

/** Where `npm run build:admin` writes the card preview renderers (gitignored, like the admin page bundle). */
export const CARD_RENDERER_FILE = path.join(__dirname, 'dist', 'card-renderer.js');
export const COMPANY_CARD_RENDERER_FILE = path.join(__dirname, 'dist', 'company-card-renderer.js');
