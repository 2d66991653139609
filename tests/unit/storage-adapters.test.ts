import { FsAdapter } from '../../node-adapter/src/fs-adapter.js';
import { MemoryAdapter } from '../../pkg-ts/src/storage/memory-adapter.js';
import { adapterConformance } from './adapter-conformance.js';
import { tempDirs } from './tmp-dirs.js';

const newDir = tempDirs('adapters');

adapterConformance('memory', { makeAdapter: () => new MemoryAdapter(), reopen: (adapter) => adapter });

adapterConformance('fs', {
  makeAdapter: async () => {
    const adapter = new FsAdapter(newDir());
    // The directory exists once the adapter has been locked; create it the same way.
    adapter.lockSync();
    adapter.unlockSync();
    return adapter;
  },
  reopen: (adapter) => new FsAdapter((adapter as FsAdapter).dir),
});
