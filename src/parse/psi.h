/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_PARSE_PSI_H
#define HEADROOM_PARSE_PSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Pressure stall information (4.20+; kernel/sched/psi.c:psi_show):
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 * avg values are percentages, kept here in hundredths; total is cumulative stall time in microseconds.
 */
struct psi_line {
	bool present;
	uint32_t avg10_centi, avg60_centi, avg300_centi;
	uint64_t total_us;
};

struct psi {
	struct psi_line some, full;
};

/* Returns 0, or -EINVAL when neither line was found. */
int psi_parse(const char *buf, size_t len, struct psi *ret);

#endif
