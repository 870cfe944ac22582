/// <reference lib="dom" />
import { createRoot } from 'react-dom/client';
import { App } from './shell/App';

createRoot(document.getElementById('app')!).render(<App />);
