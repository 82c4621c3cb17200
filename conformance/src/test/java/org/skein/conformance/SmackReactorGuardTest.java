package org.skein.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The guard finds Smack's reactor and its threads by the names this Smack gives them (else it would guard nothing). */
class SmackReactorGuardTest {

    @Test
    void theGuardSeesTheReactorsThreads() throws Exception {
        SmackReactorGuard.reactor(); // makes the JVM's reactor if no connection has yet
        assertThat(SmackReactorGuard.liveThreads()).isEqualTo(SmackReactorGuard.THREADS);
    }
}
