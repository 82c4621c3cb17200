package org.skein.hazelcast.cluster;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The local Hazelcast file of a test member: 127.0.0.1, its own port, a TCP-IP member list of the given
 * ports, a cluster name no other test uses, and short join waits.
 */
public final class LocalMemberConfig {

    private LocalMemberConfig() {
    }

    /** The file's text for a member on {@code port} of the cluster {@code clusterName} made of {@code memberPorts}. */
    public static String xml(String clusterName, int port, Collection<Integer> memberPorts) {
        String members = memberPorts.stream().map(p -> "<member>127.0.0.1:" + p + "</member>").collect(Collectors.joining());
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                    <cluster-name>%s</cluster-name>
                    <properties>
                        <property name="hazelcast.wait.seconds.before.join">1</property>
                        <property name="hazelcast.max.wait.seconds.before.join">3</property>
                    </properties>
                    <network>
                        <port auto-increment="false">%d</port>
                        <join>
                            <auto-detection enabled="false"/>
                            <multicast enabled="false"/>
                            <tcp-ip enabled="true" connection-timeout-seconds="2"><member-list>%s</member-list></tcp-ip>
                        </join>
                        <interfaces enabled="true"><interface>127.0.0.1</interface></interfaces>
                    </network>
                </hazelcast>
                """.formatted(clusterName, port, members);
    }
}
