#ifndef CELEDGER_NCURSESW_SHIM_H
#define CELEDGER_NCURSESW_SHIM_H

/* The wide-character API (get_wch, add_wch, cchar_t, addnwstr) only exists with this defined, and
 * SwiftPM drops pkg-config's -D flags: it must come before the include. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
#include <locale.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

/* Not visible from Swift's Glibc module. */
int wcwidth(wchar_t c);

/* What Swift cannot import from curses.h: macros that are not plain literals, and globals Swift 6
 * rejects as shared mutable state. Only plain functions here; no state lives in this header. */

/* Attributes. */
static inline attr_t celedger_a_normal(void) { return A_NORMAL; }
static inline attr_t celedger_a_bold(void) { return A_BOLD; }
static inline attr_t celedger_a_reverse(void) { return A_REVERSE; }
static inline attr_t celedger_a_underline(void) { return A_UNDERLINE; }
static inline attr_t celedger_a_dim(void) { return A_DIM; }
static inline attr_t celedger_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline int celedger_wattrset(WINDOW *w, attr_t a) { return wattrset(w, (int)a); }

/* Windows, streams, sizes. */
static inline WINDOW *celedger_stdscr(void) { return stdscr; }
static inline FILE *celedger_stdin(void) { return stdin; }
static inline FILE *celedger_stdout(void) { return stdout; }
static inline void celedger_getmaxyx(WINDOW *w, int *rows, int *columns) {
    int y = 0, x = 0;
    getmaxyx(w, y, x);
    *rows = y;
    *columns = x;
}
static inline int celedger_set_escdelay(int milliseconds) { return set_escdelay(milliseconds); }

/* get_wch results and key codes. */
static inline int celedger_ok(void) { return OK; }
static inline int celedger_err(void) { return ERR; }
static inline int celedger_key_code_yes(void) { return KEY_CODE_YES; }
static inline int celedger_key_up(void) { return KEY_UP; }
static inline int celedger_key_down(void) { return KEY_DOWN; }
static inline int celedger_key_left(void) { return KEY_LEFT; }
static inline int celedger_key_right(void) { return KEY_RIGHT; }
static inline int celedger_key_ppage(void) { return KEY_PPAGE; }
static inline int celedger_key_npage(void) { return KEY_NPAGE; }
static inline int celedger_key_home(void) { return KEY_HOME; }
static inline int celedger_key_end(void) { return KEY_END; }
static inline int celedger_key_enter(void) { return KEY_ENTER; }
static inline int celedger_key_backspace(void) { return KEY_BACKSPACE; }
static inline int celedger_key_dc(void) { return KEY_DC; }
static inline int celedger_key_ic(void) { return KEY_IC; }
static inline int celedger_key_btab(void) { return KEY_BTAB; }
static inline int celedger_key_resize(void) { return KEY_RESIZE; }
static inline int celedger_key_mouse(void) { return KEY_MOUSE; }
static inline int celedger_key_f(int n) { return KEY_F(n); }

/* Mouse masks. */
static inline mmask_t celedger_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t celedger_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t celedger_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t celedger_button1_double_clicked(void) { return BUTTON1_DOUBLE_CLICKED; }
static inline mmask_t celedger_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t celedger_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline mmask_t celedger_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t celedger_report_mouse_position(void) { return REPORT_MOUSE_POSITION; }

/* Locale. */
static inline const char *celedger_codeset(void) { return nl_langinfo(CODESET); }

/* Signals: struct sigaction's handler is a union Swift reaches only awkwardly. The handler itself is a
 * Swift @convention(c) function; `previous` (may be NULL) receives the disposition it replaces. No
 * SA_RESTART, so a blocking read is interrupted and get_wch returns. */
static inline int celedger_install_signal(int sig, void (*handler)(int), struct sigaction *previous) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(sig, &action, previous);
}
static inline int celedger_restore_signal(int sig, const struct sigaction *saved) {
    return sigaction(sig, saved, NULL);
}

/* Whether the terminal on `fd` has gone away (hang-up, closed), without waiting. */
static inline int celedger_fd_hung_up(int fd) {
    struct pollfd p;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    if (poll(&p, 1, 0) < 0) return 0;
    return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

#endif
