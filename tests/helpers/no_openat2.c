// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test helper: runs a command under a seccomp filter that fails openat2(2) with ENOSYS, as on a kernel
 * before 5.6 or under a container runtime's filter, so that headroom --root takes its fallback resolver.
 *
 *   no_openat2 COMMAND [ARG]...   run the command so
 *   no_openat2 --check            exit 0 when the filter works (openat2 then fails with ENOSYS)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

static int install(void)
{
	struct sock_filter f[] = {
#ifdef NATIVE_ARCH
		/* another architecture's system call numbers mean something else: let them be */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
#endif
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: no_openat2 COMMAND [ARG]... | --check\n");
		return 2;
	}
	r = install();
	if (r < 0) {
		fprintf(stderr, "no_openat2: cannot install the filter: %s\n", strerror(-r));
		return 2;
	}
	if (strcmp(argv[1], "--check") == 0) {
		uint64_t how[3] = { O_RDONLY, 0, 0 };

		return syscall(SYS_openat2, AT_FDCWD, "/", how, sizeof(how)) < 0 && errno == ENOSYS ? 0 : 1;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "no_openat2: cannot run '%s': %s\n", argv[1], strerror(errno));
	return 127;
}
