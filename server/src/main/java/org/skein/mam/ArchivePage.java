package org.skein.mam;

import java.util.List;

/**
 * One page of an archive query: its items in ascending id order; whether it reaches the end of the
 * result in the direction of paging ({@code complete}); the number of items of the whole result when
 * known ({@code null} otherwise); whether every node settled before the read ({@code stable}).
 */
public record ArchivePage(List<ArchivedMessage> items, boolean complete, Long count, boolean stable) {

    public ArchivePage {
        items = List.copyOf(items);
    }
}
