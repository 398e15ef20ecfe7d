#ifndef SLUICE_CEDITLINE_SHIM_H
#define SLUICE_CEDITLINE_SHIM_H
#include <stdio.h>
#include <editline/readline.h>
#endif
