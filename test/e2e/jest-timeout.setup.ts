// A whole job on 2 cores can take minutes when the machine is busy; each test still bounds its own waits.
jest.setTimeout(300_000);
