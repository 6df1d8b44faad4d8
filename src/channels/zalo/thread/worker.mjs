// Worker threads do not reliably inherit tsx's loader: this entry registers it, then loads the TypeScript thread.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
