#ifndef SLUICE_CEDITLINE_SHIM_H
#define SLUICE_CEDITLINE_SHIM_H
/*
 * libedit's readline-compatible API, plus the few C-only operations the `sluice`
 * executable needs. Swift 6 may not touch mutable C globals directly, so every global
 * is read and written through a `static inline` function here.
 */
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <editline/readline.h>

/* Word breaks for completion: `.` `/` `-` `_` stay inside words (dotted actor names, paths). */
static const char sluice_word_breaks[] = " \t\n\"\\'`@$><=;|&{(,)";

static inline void sluice_rl_configure(void) {
    rl_readline_name = "sluice";     /* the name ~/.editrc settings can be scoped to */
    rl_catch_signals = 0;            /* our SIGINT handler, not libedit's re-raising one */
    rl_basic_word_break_characters = sluice_word_breaks;
    rl_completer_word_break_characters = (char *)sluice_word_breaks;
}

static inline void sluice_rl_set_getc_function(int (*f)(FILE *)) { rl_getc_function = f; }
static inline void sluice_rl_set_attempted_completion_function(rl_completion_func_t *f) {
    rl_attempted_completion_function = f;
}
static inline void sluice_rl_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
static inline void sluice_rl_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline const char *sluice_rl_line_buffer(void) { return rl_line_buffer ? rl_line_buffer : ""; }
static inline int sluice_rl_point(void) { return rl_point; }

/* The C standard streams, which Swift 6 may not name directly. */
static inline FILE *sluice_stdout(void) { return stdout; }
static inline FILE *sluice_stderr(void) { return stderr; }

/* SIGINT through sigaction, without SA_RESTART, so that a blocking read or poll returns EINTR.
   SIGINT is also unblocked: a parent may have spawned us with it blocked. */
static inline int sluice_install_sigint(void (*handler)(int)) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(SIGINT, &action, NULL);
}

/* Keeps SIGINT away from the calling thread (the signal watcher), so it reaches the main one. */
static inline int sluice_block_sigint_in_this_thread(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/* The terminal's width in columns, or 0 when fd is not a terminal. */
static inline int sluice_terminal_width(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}
#endif
