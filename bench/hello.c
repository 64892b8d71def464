/* bench/hello: the floor of every benchmark, a bare libfcgi "hello" with the same threading
 * model as the app (N threads, each its own FCGX_Request in an FCGX_Accept_r loop) behind
 * the same nginx config. Usage: hello <unix-socket> [threads] [group]. Stops on SIGTERM or
 * SIGINT: it removes its socket and exits at once. (It used to call FCGX_ShutdownPending, shut
 * the listening socket down and join its workers, but a worker blocked in libfcgi's accept()
 * on a unix socket is not woken by that, so the joins never returned and SIGTERM seemed
 * ignored; a floor holds no state worth a graceful stop.) */
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int listen_fd;

static void *worker(void *arg)
{
    (void)arg;
    FCGX_Request r;
    FCGX_InitRequest(&r, listen_fd, 0);
    while (FCGX_Accept_r(&r) >= 0) {
        FCGX_PutS("Status: 200 OK\r\nContent-Type: application/json\r\n\r\n{\"hello\":\"world\"}", r.out);
        FCGX_Finish_r(&r);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: hello <socket> [threads]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 32;
    if (n < 1 || n > 256) n = 32;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    FCGX_Init();
    unlink(argv[1]);
    mode_t old = umask(0117);
    listen_fd = FCGX_OpenSocket(argv[1], 1024);
    umask(old);
    if (listen_fd < 0) return 1;
    if (argc > 3) {   /* group for nginx's workers, as the app does */
        char cmd[512];
        snprintf(cmd, sizeof cmd, "chgrp %s %s", argv[3], argv[1]);
        if (system(cmd) != 0) return 1;
    }
    pthread_t *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, worker, NULL);
    int sig;
    sigwait(&set, &sig);
    unlink(argv[1]);
    _exit(0);   /* the workers may sit in accept() for ever: do not join them */
}
