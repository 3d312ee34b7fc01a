// The simulation-loop clock every sim bench reports: `net.run(duration_ms)` timed as process CPU
// time ("seconds", the clock Brian2's standalone timer reads, std::clock) and wall time
// ("wall_s"); `start` is performance.now() when the loop began (for build times before it).
export function timedRun(net, duration_ms) {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  net.run(duration_ms);
  const wall_s = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds: (cpu.user + cpu.system) / 1e6, wall_s, start };
}
