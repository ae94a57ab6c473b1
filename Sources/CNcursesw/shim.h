#ifndef CELEDGER_NCURSESW_SHIM_H
#define CELEDGER_NCURSESW_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#include <ncursesw/curses.h>
#include <locale.h>
#include <wchar.h>
int wcwidth(wchar_t c);
#endif
