package org.skein.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheSizesTest {

    @Test
    void longerStringsCountMore() {
        assertThat(CacheSizes.sizeOf("a".repeat(1000)) - CacheSizes.sizeOf("")).isEqualTo(1000);
        assertThat(CacheSizes.sizeOf((Object) null)).isZero();
    }

    @Test
    void collectionsAndMapsCountTheirElements() {
        long one = CacheSizes.sizeOf(List.of("x".repeat(100)));
        long two = CacheSizes.sizeOf(List.of("x".repeat(100), "y".repeat(100)));
        assertThat(two - one).isGreaterThanOrEqualTo(100);

        Map<String, Set<String>> map = new HashMap<>();
        map.put("alice@example.com", Set.of("alice@example.com/phone", "alice@example.com/laptop"));
        assertThat(CacheSizes.sizeOf(map)).isGreaterThan(CacheSizes.sizeOf("alice@example.com/phone") * 2);
    }

    @Test
    void otherSerializableValuesAreMeasuredByTheirSerializedForm() {
        record Address(String user, String domain, String resource) implements java.io.Serializable {
        }
        long bare = CacheSizes.sizeOf(new Address("alice", "example.com", null));
        long full = CacheSizes.sizeOf(new Address("alice", "example.com", "a-rather-long-resource-name"));
        assertThat(full).isGreaterThan(bare);
        assertThat(bare).isGreaterThan(CacheSizes.sizeOf("alice@example.com"));
    }

    @Test
    void primitivesAndArrays() {
        assertThat(CacheSizes.sizeOf(42L)).isEqualTo(24);
        assertThat(CacheSizes.sizeOf(true)).isEqualTo(CacheSizes.OBJECT);
        assertThat(CacheSizes.sizeOf(new byte[1000])).isEqualTo(CacheSizes.OBJECT + 1000);
        assertThat(CacheSizes.sizeOf(new long[10])).isEqualTo(CacheSizes.OBJECT + 80);
    }

    @Test
    void cacheableValuesReportTheirOwnSize() {
        Cacheable value = () -> 12345;
        assertThat(CacheSizes.sizeOf(value)).isEqualTo(12345);
    }

    record Payload(String text, int number) implements Serializable {
    }

    @Test
    void otherSerializableValuesAreMeasuredBySerialization() {
        long small = CacheSizes.sizeOf(new Payload("a", 1));
        long large = CacheSizes.sizeOf(new Payload("a".repeat(5000), 1));
        assertThat(large - small).isGreaterThan(5000);
        assertThat(CacheSizes.sizeOf(new Object())).isEqualTo(CacheSizes.UNKNOWN_OBJECT);
    }

    @Test
    void entriesAreNeverNegativeAndCappedAtIntMax() {
        Cacheable huge = () -> Integer.MAX_VALUE;
        assertThat(CacheSizes.sizeOfEntry(huge, huge)).isEqualTo(Integer.MAX_VALUE);
        assertThat(CacheSizes.sizeOfEntry("k", "v")).isPositive();
    }
}
