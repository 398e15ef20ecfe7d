/* C baseline for `make bench` (a): the three-station tandem model, hand-written and tight.
 *
 * The same model as the engine's run and `tandem_simpy.py`: a source with an endless backlog
 * spends exp(1 ms) per row and blocks while station 1's queue (10 waiting rows) is full;
 * stations serve at exp(1500), exp(1200) and exp(800) rows/s, each blocking after service
 * while the next queue is full. Four actors, at most one pending event each: the event list
 * is four times, scanned for the earliest. No flow-control protocol, no metrics, no chunks:
 * the floor of what a simulation of this model costs on this machine, for the ratio against
 * the engine (the target of 4 M rows/s was set against about 5.5 M from such a program).
 *
 * Usage: tandem <virtual seconds>. Prints `c rows=<delivered> wall=<s> rows_per_second=<rate>`.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ACTORS = 4, WAITING = 10 };

static uint64_t state[4] = {0x9E3779B97F4A7C15u, 0xBF58476D1CE4E5B9u, 0x94D049BB133111EBu, 0x2545F4914F6CDD1Du};

/* xoshiro256++ */
static inline uint64_t next(void) {
    uint64_t *s = state;
    uint64_t result = ((s[0] + s[3]) << 23 | (s[0] + s[3]) >> 41) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3] << 45 | s[3] >> 19;
    return result;
}

/* exp(mean) in nanoseconds. */
static inline int64_t draw(double mean) {
    double u = ((next() >> 11) + 1) * 0x1.0p-53; /* (0, 1] */
    return (int64_t)(-log(u) * mean);
}

static const double mean[ACTORS] = {1e6, 1e9 / 1500, 1e9 / 1200, 1e9 / 800};
static int64_t due[ACTORS];      /* when the actor's work ends; INT64_MAX: none */
static int busy[ACTORS];         /* working on a row */
static int holding[ACTORS];      /* done, holding a row the next queue has no room for */
static int queued[ACTORS];       /* rows waiting in front of actor i (i ≥ 1) */
static int64_t now, delivered;

static void start(int i);

/* Actor i hands its row on (or delivers it); false when the next queue is full. */
static int handOn(int i) {
    if (i == ACTORS - 1) { delivered++; return 1; }
    if (queued[i + 1] == WAITING) return 0;
    queued[i + 1]++;
    if (!busy[i + 1] && !holding[i + 1]) start(i + 1);
    return 1;
}

/* Actor i takes its next row, if it has one, freeing room for a blocked upstream actor. */
static void start(int i) {
    if (i > 0) {
        if (queued[i] == 0) return;
        queued[i]--;
    }
    busy[i] = 1;
    due[i] = now + draw(mean[i]);
    if (i > 0 && holding[i - 1] && handOn(i - 1)) {
        holding[i - 1] = 0;
        start(i - 1);
    }
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 100;
    int64_t end = (int64_t)(seconds * 1e9);
    for (int i = 0; i < ACTORS; i++) due[i] = INT64_MAX;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    start(0);
    for (;;) {
        int i = 0;
        for (int k = 1; k < ACTORS; k++) if (due[k] < due[i]) i = k;
        if (due[i] > end) break;
        now = due[i];
        due[i] = INT64_MAX;
        busy[i] = 0;
        if (handOn(i)) start(i); else holding[i] = 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("c rows=%lld wall=%.6f rows_per_second=%.0f\n", (long long)delivered, wall, delivered / wall);
    return 0;
}
