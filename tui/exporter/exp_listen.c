/* exp_listen — --listen ADDR:PORT and the socket the HTTP side serves on
 * (opened here, so a busy port or a bad address is one clear line). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exp_int.h"

static int parse_port(const char *s, unsigned short *port)
{
	char *end;
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	long v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 65535)
		return -1;
	*port = (unsigned short)v;
	return 0;
}

/* The host part and the port of "HOST:PORT" / "[V6]:PORT" / ":PORT". */
static int split(const char *s, char *host, size_t hn, const char **port)
{
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s) > hn)
			return -1;
		snprintf(host, hn, "%.*s", (int)(close - s - 1), s + 1);
		*port = close + 2;
		return 0;
	}
	const char *colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= hn || strchr(s, ':') != colon)
		return -1;
	snprintf(host, hn, "%.*s", (int)(colon - s), s);
	*port = colon + 1;
	return 0;
}

int exp_listen_parse(struct exp_addr *a, const char *s, char *err, size_t n)
{
	char host[64];
	const char *ps;
	unsigned short port;
	memset(a, 0, sizeof *a);
	snprintf(a->text, sizeof a->text, "%s", s);
	if (split(s, host, sizeof host, &ps) != 0 || parse_port(ps, &port) != 0) {
		snprintf(err, n, "--listen '%.80s': not ADDR:PORT (e.g. 127.0.0.1:9188, [::1]:9188, :9188)", s);
		return -1;
	}
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->sa;
	if (!host[0] || inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		if (!host[0])
			v4->sin_addr.s_addr = htonl(INADDR_ANY);
		a->len = sizeof *v4;
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		a->len = sizeof *v6;
	} else {
		snprintf(err, n, "--listen '%.80s': '%s' is not an IP address (names are not looked up)", s, host);
		return -1;
	}
	return 0;
}

int exp_listen_open(const struct exp_addr *a, char *err, size_t n)
{
	int fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0) {
		snprintf(err, n, "cannot listen on %s: %s", a->text, strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)&a->sa, a->len) != 0 || listen(fd, 64) != 0) {
		snprintf(err, n, "cannot listen on %s: %s", a->text, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
