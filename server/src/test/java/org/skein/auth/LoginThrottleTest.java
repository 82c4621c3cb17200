package org.skein.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.skein.cache.testing.FakeTicker;

/** The throttle's schedule, on a fake clock. */
class LoginThrottleTest {

    private final FakeTicker ticker = new FakeTicker();
    private final LoginThrottle throttle = new LoginThrottle(new LoginThrottle.Settings(Duration.ofSeconds(1), Duration.ofSeconds(10), 3,
            Duration.ofMinutes(15), Duration.ofDays(30)), ticker);

    @Test
    void attemptsAreCountedWhenTheyStartAndSuccessWaitsLikeFailure() {
        LoginThrottle.Attempt first = throttle.begin("192.0.2.1", "alice");
        assertThat(first.delay()).isZero();
        first.abandoned(); // given up before the answer: still counted
        LoginThrottle.Attempt typo = throttle.begin("192.0.2.1", "alice");
        assertThat(typo.delay()).isZero();
        typo.failed();
        LoginThrottle.Attempt second = throttle.begin("192.0.2.1", "alice");
        assertThat(second.delay()).isEqualTo(Duration.ofSeconds(1));
        second.failed();
        LoginThrottle.Attempt third = throttle.begin("192.0.2.1", "alice");
        assertThat(third.delay()).isEqualTo(Duration.ofSeconds(2));
        // whatever the outcome, the answer may go out only after the delay
        assertThat(third.remaining()).isEqualTo(Duration.ofSeconds(2));
        ticker.advance(Duration.ofMillis(1500));
        assertThat(third.remaining()).isEqualTo(Duration.ofMillis(500));
        ticker.advance(Duration.ofSeconds(1));
        assertThat(third.remaining()).isZero();
        third.failed();
        for (int i = 0; i < 10; i++) {
            throttle.begin("192.0.2.1", "alice").failed();
        }
        assertThat(throttle.begin("192.0.2.1", "alice").delay()).as("capped").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void countsAreForgottenAfterTheWindowWithoutAttempts() {
        for (int i = 0; i < 5; i++) {
            throttle.begin("192.0.2.1", "alice").failed();
        }
        assertThat(throttle.begin("192.0.2.1", "alice").delay()).isPositive();
        ticker.advance(Duration.ofMinutes(16));
        assertThat(throttle.begin("192.0.2.1", "alice").delay()).isZero();
    }

    @Test
    void aSuccessGivesTheAttemptBackAndTrustsTheClient() {
        throttle.begin("192.0.2.1", "alice").failed();
        LoginThrottle.Attempt right = throttle.begin("192.0.2.1", "alice");
        right.succeeded();
        assertThat(throttle.isTrusted("192.0.2.1", "alice")).isTrue();
        // many successful logins from one address (a household) never add up to a delay
        for (int i = 0; i < 20; i++) {
            LoginThrottle.Attempt attempt = throttle.begin("192.0.2.1", "alice");
            assertThat(attempt.delay()).isZero();
            attempt.succeeded();
        }
    }

    @Test
    void aTrustedClientDoesNotPayForAnotherClientsGuessesOnItsAccount() {
        throttle.begin("192.0.2.1", "alice").succeeded();
        for (int address = 10; address < 30; address++) {
            throttle.begin("198.51.100." + address, "alice").failed(); // one guess from each of many addresses
        }
        assertThat(throttle.begin("198.51.100.99", "alice").delay()).as("a new address pays the account's delay")
                .isEqualTo(Duration.ofSeconds(10));
        LoginThrottle.Attempt typo = throttle.begin("192.0.2.1", "alice");
        assertThat(typo.delay()).as("the address alice logged in from before").isZero();
        typo.failed();
        assertThat(throttle.begin("192.0.2.1", "alice").delay()).as("the retry after a typo").isZero();
        assertThat(throttle.begin("192.0.2.1", "alice").delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void oneClientGuessingManyAccountsPaysPerClient() {
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.begin("192.0.2.7", "user" + i).delay()).isZero();
        }
        assertThat(throttle.begin("192.0.2.7", "user5").delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.begin("192.0.2.7", "user6").delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.begin("192.0.2.8", "user7").delay()).isZero();
    }

    @Test
    void untrustedAttemptsUnderWayAtOnceAreLimitedPerAccountButTrustedOnesNeverRefused() {
        throttle.begin("192.0.2.1", "alice").succeeded();
        LoginThrottle.Attempt a = throttle.begin("198.51.100.1", "alice");
        LoginThrottle.Attempt b = throttle.begin("198.51.100.2", "alice");
        LoginThrottle.Attempt c = throttle.begin("198.51.100.3", "alice");
        LoginThrottle.Attempt d = throttle.begin("198.51.100.4", "alice");
        assertThat(a.refused() || b.refused() || c.refused()).isFalse();
        assertThat(d.refused()).isTrue();
        assertThat(throttle.begin("198.51.100.5", "bob").refused()).as("another account").isFalse();
        LoginThrottle.Attempt trusted = throttle.begin("192.0.2.1", "alice");
        assertThat(trusted.refused()).isFalse();
        a.failed();
        b.abandoned();
        b.abandoned(); // reported twice: counted once
        assertThat(throttle.begin("198.51.100.6", "alice").refused()).isFalse();
        assertThat(throttle.begin("198.51.100.7", "alice").refused()).isFalse();
        assertThat(throttle.begin("198.51.100.8", "alice").refused()).isTrue();
    }

    @Test
    void aConsoleBrowserIsCountedByItsAddressAndTrustedByItsDevice() {
        throttle.begin("127.0.0.1", "admin", "device:known").succeeded();
        for (int i = 0; i < 6; i++) {
            throttle.begin("127.0.0.1", "admin", "device:attacker-" + i).failed(); // new cookies do not reset the count
        }
        LoginThrottle.Attempt attacker = throttle.begin("127.0.0.1", "admin", "device:attacker-x");
        assertThat(attacker.delay()).isPositive();
        LoginThrottle.Attempt admin = throttle.begin("127.0.0.1", "admin", "device:known");
        assertThat(admin.trustedClient()).isTrue();
        assertThat(admin.refused()).isFalse();
        assertThat(admin.delay()).as("the shared address's delay, capped").isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void accountKeysFollowNodeprep() {
        assertThat(LoginThrottle.accountKey("ALICE")).isEqualTo("alice");
        assertThat(LoginThrottle.accountKey(" Alice ")).isEqualTo("alice");
        assertThat(LoginThrottle.accountKey("a@b")).isEqualTo("a@b");
        assertThat(LoginThrottle.clientKey(java.net.InetAddress.getLoopbackAddress())).isEqualTo("127.0.0.1");
    }
}
