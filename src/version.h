/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_VERSION_H
#define HEADROOM_VERSION_H

#define HEADROOM_VERSION "0.1.0"

#endif
