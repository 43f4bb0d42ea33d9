// Preloaded into the web and worker processes by the launcher (`node -r …/launcher-child.js`): a child must not
// outlive its launcher. If the launcher is killed hard (kill -9, crash), its IPC channel closes; the child then
// shuts down through its normal SIGTERM path instead of serving on without a database (and holding the port).
if (process.send) {
  process.channel?.unref(); // the channel alone must not keep a child alive
  process.once('disconnect', () => {
    console.error('Kleinstadt-Tandem: the launcher has gone away; stopping this process.');
    process.kill(process.pid, 'SIGTERM');
    // In the embedded mode the database went down with the launcher, so a graceful close may wait on dead
    // connections: give it 5 s, then leave (jobs claim their rows, so one cut short simply runs again).
    setTimeout(() => process.exit(1), 5_000).unref();
  });
}
