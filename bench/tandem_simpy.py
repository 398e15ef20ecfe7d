"""SimPy baseline for `make bench` (a): the same three-station tandem model the engine runs.

A source with an endless backlog spends exp(1 ms) per row and blocks when station 1's
queue (10 waiting rows) is full; stations serve at exp(1500), exp(1200), exp(800) rows/s,
each blocking after service while the next queue is full. Prints one line:
`simpy rows=<delivered> wall=<seconds> rows_per_second=<rate>`.
"""
import random
import sys
import time

import simpy

VIRTUAL_SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 50.0
RATES = [1500.0, 1200.0, 800.0]
WAITING = 10


def run(seconds: float) -> int:
    rng = random.Random(42)
    env = simpy.Environment()
    queues = [simpy.Store(env, capacity=WAITING) for _ in RATES]
    delivered = [0]

    def source():
        while True:
            yield env.timeout(rng.expovariate(1000.0))
            yield queues[0].put(1)          # blocks while station 1's queue is full

    def station(i: int):
        while True:
            row = yield queues[i].get()
            yield env.timeout(rng.expovariate(RATES[i]))
            if i + 1 < len(RATES):
                yield queues[i + 1].put(row)  # blocking after service
            else:
                delivered[0] += 1

    env.process(source())
    for i in range(len(RATES)):
        env.process(station(i))
    env.run(until=seconds)
    return delivered[0]


if __name__ == "__main__":
    start = time.perf_counter()
    rows = run(VIRTUAL_SECONDS)
    wall = time.perf_counter() - start
    print(f"simpy rows={rows} wall={wall:.3f} rows_per_second={rows / wall:.0f}")
