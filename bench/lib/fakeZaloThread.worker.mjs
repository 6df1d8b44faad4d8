// Worker threads do not inherit tsx's loader: this entry registers it, then loads the TypeScript fake Zalo thread.
import { register } from 'tsx/esm/api';

register();
await import('./fakeZaloThread.ts');
