package org.skein.roster;

/**
 * A change would add an item to a roster that already holds the most items a roster may hold
 * ({@code roster.maxItems}). Nothing was changed.
 */
public final class RosterFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int maxItems;

    public RosterFullException(String username, int maxItems) {
        super("the roster of '" + username + "' holds its maximum of " + maxItems + " items");
        this.maxItems = maxItems;
    }

    /** The limit that was reached. */
    public int maxItems() {
        return maxItems;
    }
}
