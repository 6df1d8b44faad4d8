// Worker threads do not inherit tsx's loader: this entry registers it, then loads the TypeScript load thread.
import { register } from 'tsx/esm/api';

register();
await import('./zaloOpenLoop.ts');
