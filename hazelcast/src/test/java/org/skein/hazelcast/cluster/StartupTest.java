package org.skein.hazelcast.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Starting the member: a bounded number of attempts, one clear line per failure, then the node goes on alone. */
class StartupTest {

    @TempDir
    Path dir;

    @Test
    void aMemberThatCannotStartIsTriedABoundedNumberOfTimesThenTheNodeGoesOnAlone() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(MemberStarter.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             OneMemberNode member = new OneMemberNode(dir, Map.of("hazelcast.startup.retries", "2",
                     "hazelcast.startup.retryDelay", "100ms"), taken.getLocalPort())) {

            assertThat(member.join()).isFalse();

            List<String> failures = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(failures).hasSize(3);
            assertThat(failures.get(0)).contains("attempt 1 of 3").contains(Integer.toString(taken.getLocalPort()));
            assertThat(failures.get(2)).contains("attempt 3 of 3").contains("goes on alone");
            assertThat(member.node.clusterManager().getLastError()).get().asString().contains("after 3 attempts");
            assertThat(member.node.cacheFactory().isClustered()).isFalse();
            assertThat(member.provider.isMember()).isFalse();
        } finally {
            logger.detachAppender(log);
        }
    }
}
