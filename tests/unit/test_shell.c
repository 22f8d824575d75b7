// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Commands for a root shell: each hostile name one word, exactly its bytes when bash parses it, and
 * nothing in the command a terminal would act on. The round trip runs the real bash.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/shell.h"
#include "unit.h"

static const char *quoted(const char *s, size_t len)
{
	static struct buf b;

	if (!b.data)
		buf_init(&b);
	buf_reset(&b);
	shell_quote(&b, s, len);
	return b.data;
}

static void quote_shapes(void)
{
	CHECK_STR(quoted(S("app.service")), "app.service");
	CHECK_STR(quoted(S("/sys/fs/cgroup/a-b/pids.max")), "/sys/fs/cgroup/a-b/pids.max");
	CHECK_STR(quoted(S("")), "''");
	CHECK_STR(quoted(S("x;touch y;.service")), "'x;touch y;.service'");
	CHECK_STR(quoted(S("it's")), "'it'\\''s'");
	CHECK_STR(quoted(S("'")), "\\'");
	CHECK_STR(quoted(S("a\033[2Jb")), "'a'$'\\x1b''[2Jb'");
	CHECK_STR(quoted(S("a\nb\tc")), "'a'$'\\n''b'$'\\t''c'");
	CHECK_STR(quoted(S("\xff\xfe")), "$'\\xff\\xfe'");
	CHECK_STR(quoted(S("caf\xc3\xa9")), "'caf'$'\\xc3\\xa9'");
	CHECK_STR(quoted(S("$(id>f)`id`")), "'$(id>f)`id`'");
	CHECK_STR(quoted(S("a\\x41")), "'a\\x41'"); /* a backslash is literal inside '' */
	CHECK(shell_command_showable(quoted(S("h\xc2\x9b" "2J\xe2\x80\xae" "g"))));
	CHECK(!shell_command_showable("a\033b"));
	CHECK(!shell_command_showable("caf\xc3\xa9"));
}

static void command_format(void)
{
	char *c;

	c = shell_commandf(NULL, "systemctl set-property %s TasksMax=%llu", "x;touch y;.service", 80ULL);
	CHECK_STR(c, "systemctl set-property 'x;touch y;.service' TasksMax=80");
	free(c);
	c = shell_commandf(NULL, "echo %llu > %s", 20ULL, "/sys/fs/cgroup/pids/a'$(id>f)'/pids.max");
	CHECK_STR(c, "echo 20 > '/sys/fs/cgroup/pids/a'\\''$(id>f)'\\''/pids.max'");
	free(c);
	c = shell_commandf(NULL, "systemctl edit %s", "-x.service");
	CHECK_STR(c, "systemctl edit -- -x.service");
	free(c);
	c = shell_commandf(NULL, "printf '%%s\\n' %s; kill %d %u %ld %zu", "a b", -1, 2u, 3L, (size_t)4);
	CHECK_STR(c, "printf '%s\\n' 'a b'; kill -1 2 3 4");
	free(c);
}

/* Deterministic bytes: every value 1-255 appears, hostile ones often. */
static size_t make_word(unsigned *seed, char *out, size_t max)
{
	static const char hostile[] = "'\"\\$`!;|&<>(){}[]*?~#= \t\n\033\x7f";
	size_t n = (size_t)(rand_r(seed) % (int)max);

	for (size_t i = 0; i < n; i++) {
		int r = rand_r(seed) % 4;

		if (r == 0)
			out[i] = hostile[rand_r(seed) % (int)(sizeof(hostile) - 1)];
		else
			out[i] = (char)(1 + rand_r(seed) % 255);
	}
	out[n] = '\0';
	return n;
}

/*
 * The real bash reads each quoted word in a script 'printf "%s\0" WORD' and prints its bytes; they
 * must be the original's, and nothing else may run (an injected command would add output or a file).
 */
static void bash_round_trip(void)
{
	enum { N = 400, MAX = 24 };
	char words[N][MAX + 1], script[] = "/tmp/headroom-test-shell-XXXXXX", out[] = "/tmp/headroom-test-out-XXXXXX";
	size_t lens[N];
	unsigned seed = 12345;
	struct buf b, got;
	int fd, ofd, status;
	pid_t pid;

	CHECK(access("/bin/bash", X_OK) == 0);
	buf_init(&b);
	buf_init(&got);
	strcpy(words[0], "x;touch y;.service");
	strcpy(words[1], "a'$(id>f)'b");
	strcpy(words[2], "h\xc2\x9b" "2J\xe2\x80\xae" "g");
	strcpy(words[3], "-n");
	strcpy(words[4], "");
	for (int i = 0; i < 5; i++)
		lens[i] = strlen(words[i]);
	for (int i = 5; i < N; i++)
		lens[i] = make_word(&seed, words[i], MAX);
	buf_adds(&b, "set -f\n");
	for (int i = 0; i < N; i++) {
		const char *q = quoted(words[i], lens[i]);

		if (!shell_command_showable(q)) {
			printf("    word %d is not quoted in printable ASCII\n", i);
			unit_failures++;
		}
		buf_adds(&b, "printf '%s\\0' ");
		buf_adds(&b, q);
		buf_adds(&b, "\n");
	}
	fd = mkstemp(script);
	ofd = mkstemp(out);
	CHECK(fd >= 0 && ofd >= 0);
	if (fd < 0 || ofd < 0)
		return;
	CHECK(write(fd, b.data, b.len) == (ssize_t)b.len);
	close(fd);
	pid = fork();
	if (pid == 0) {
		dup2(ofd, 1);
		execl("/bin/bash", "bash", "--norc", "--noprofile", script, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	{
		char chunk[4096];
		ssize_t n;

		lseek(ofd, 0, SEEK_SET);
		while ((n = read(ofd, chunk, sizeof(chunk))) > 0)
			buf_add(&got, chunk, (size_t)n);
	}
	close(ofd);
	{
		size_t pos = 0;

		for (int i = 0; i < N; i++) {
			bool same = pos + lens[i] < got.len + 1 && memcmp(got.data + pos, words[i], lens[i]) == 0 &&
				    got.data[pos + lens[i]] == '\0';

			if (!same) {
				printf("    word %d ('%s') did not come back from bash\n", i, quoted(words[i], lens[i]));
				unit_failures++;
				break;
			}
			pos += lens[i] + 1;
		}
		CHECK(pos == got.len);
	}
	CHECK(access("f", F_OK) != 0 && access("y", F_OK) != 0);
	unlink(script);
	unlink(out);
	buf_free(&b);
	buf_free(&got);
}

int main(void)
{
	RUN(quote_shapes);
	RUN(command_format);
	RUN(bash_round_trip);
	return unit_failures != 0;
}
