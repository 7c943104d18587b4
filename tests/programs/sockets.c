/*
 * sockets.c -- AF_UNIX and loopback TCP/UDP sockets.
 *
 * Exercises:
 *   - socketpair(AF_UNIX, SOCK_STREAM): send "unix-hello" (sendto syscall),
 *     recv (recvfrom syscall).
 *   - TCP on 127.0.0.1, port 0: socket, setsockopt(SO_REUSEADDR), bind,
 *     listen, getsockname, connect from a second socket, accept4
 *     (SOCK_CLOEXEC), sendto/recvfrom ("tcp-hello"), sendmsg/recvmsg with a
 *     2-element iovec ("abc" + "defg"), shutdown(SHUT_WR) and a recvfrom that
 *     returns 0 (EOF), close.
 *   - UDP on 127.0.0.1: bind port 0, getsockname, sendto, recvfrom
 *     ("udp-hello", with source address).
 * Loopback only; port numbers are kernel-chosen (not deterministic).
 *
 * Usage: sockets     Prints nothing.  Exit status 0 (1 on unexpected failure).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static void die(const char *what)
{
    const char *err = strerror(errno);
    write(2, "sockets: ", 9);
    write(2, what, strlen(what));
    write(2, ": ", 2);
    write(2, err, strlen(err));
    write(2, "\n", 1);
    _exit(1);
}

int main(void)
{
    char buf[64];

    /* --- AF_UNIX socketpair --- */
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
        die("socketpair");
    if (send(sp[0], "unix-hello", 10, 0) != 10)
        die("send");
    if (recv(sp[1], buf, sizeof buf, 0) != 10 || memcmp(buf, "unix-hello", 10))
        die("recv");
    close(sp[0]);
    close(sp[1]);

    /* --- TCP over loopback --- */
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;

    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0)
        die("socket(tcp listener)");
    int one = 1;
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        die("setsockopt");
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0)
        die("bind(tcp)");
    if (listen(lfd, 4) != 0)
        die("listen");
    socklen_t alen = sizeof addr;
    if (getsockname(lfd, (struct sockaddr *)&addr, &alen) != 0)
        die("getsockname(tcp)");

    int cfd = socket(AF_INET, SOCK_STREAM, 0);
    if (cfd < 0)
        die("socket(tcp client)");
    if (connect(cfd, (struct sockaddr *)&addr, sizeof addr) != 0)
        die("connect");

    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    int afd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
    if (afd < 0)
        die("accept4");

    if (sendto(cfd, "tcp-hello", 9, 0, NULL, 0) != 9)
        die("sendto(tcp)");
    if (recvfrom(afd, buf, sizeof buf, 0, NULL, NULL) != 9 ||
        memcmp(buf, "tcp-hello", 9))
        die("recvfrom(tcp)");

    /* sendmsg/recvmsg with a 2-element iovec each. */
    struct iovec siov[2] = {
        { .iov_base = "abc", .iov_len = 3 },
        { .iov_base = "defg", .iov_len = 4 },
    };
    struct msghdr smsg = { .msg_iov = siov, .msg_iovlen = 2 };
    if (sendmsg(afd, &smsg, 0) != 7)
        die("sendmsg");
    char r1[3], r2[4];
    struct iovec riov[2] = {
        { .iov_base = r1, .iov_len = sizeof r1 },
        { .iov_base = r2, .iov_len = sizeof r2 },
    };
    struct msghdr rmsg = { .msg_iov = riov, .msg_iovlen = 2 };
    if (recvmsg(cfd, &rmsg, MSG_WAITALL) != 7 || memcmp(r1, "abc", 3) ||
        memcmp(r2, "defg", 4))
        die("recvmsg");

    if (shutdown(cfd, SHUT_WR) != 0)
        die("shutdown");
    if (recvfrom(afd, buf, sizeof buf, 0, NULL, NULL) != 0)
        die("recvfrom(EOF)");
    close(afd);
    close(cfd);
    close(lfd);

    /* --- UDP over loopback --- */
    int ufd = socket(AF_INET, SOCK_DGRAM, 0);
    if (ufd < 0)
        die("socket(udp)");
    addr.sin_port = 0;
    if (bind(ufd, (struct sockaddr *)&addr, sizeof addr) != 0)
        die("bind(udp)");
    alen = sizeof addr;
    if (getsockname(ufd, (struct sockaddr *)&addr, &alen) != 0)
        die("getsockname(udp)");
    int ufd2 = socket(AF_INET, SOCK_DGRAM, 0);
    if (ufd2 < 0)
        die("socket(udp sender)");
    if (sendto(ufd2, "udp-hello", 9, 0, (struct sockaddr *)&addr, sizeof addr) != 9)
        die("sendto(udp)");
    plen = sizeof peer;
    if (recvfrom(ufd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &plen) != 9 ||
        memcmp(buf, "udp-hello", 9))
        die("recvfrom(udp)");
    close(ufd2);
    close(ufd);
    return 0;
}
