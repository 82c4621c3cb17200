package org.skein.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.skein.mam.ArchiveFilter;
import org.skein.mam.ArchiveStore;
import org.skein.mam.MessageArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message archives (XEP-0313): the largest accounts' archives (messages and bytes), an account's
 * archive size on request, and a purge of one account's archive. The database is shared by the cluster,
 * so every node shows the same.
 */
final class ArchivesPage implements AdminPage {

    private static final Logger LOG = LoggerFactory.getLogger(ArchivesPage.class);
    static final int LARGEST = 50;

    @Override
    public void get(AdminExchange exchange, String subpath) throws IOException {
        if (subpath != null) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        MessageArchive archive = exchange.node().messageArchive();
        ArchiveStore store = archive.store();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ArchiveStore.ArchiveSize size : store.largest(LARGEST)) {
            rows.add(row(size.owner(), size.messages(), size.bytes()));
        }
        String account = exchange.param("account").trim();
        Map<String, Object> model = new HashMap<>();
        model.put("archives", rows);
        model.put("enabled", archive.isEnabled());
        model.put("retention", exchange.node().config().get(MessageArchive.RETENTION_KEY, "-1"));
        model.put("account", account);
        if (!account.isEmpty()) {
            model.put("accountMessages", store.count(ArchiveFilter.all(account)));
            model.put("accountExists", exchange.node().userManager().exists(account));
        }
        exchange.render("archives", model);
    }

    private static Map<String, Object> row(String owner, long messages, long bytes) {
        Map<String, Object> row = new HashMap<>();
        row.put("account", owner);
        row.put("messages", messages);
        row.put("bytes", Formats.bytes(bytes));
        return row;
    }

    @Override
    public void post(AdminExchange exchange, String action) throws IOException {
        if (!"purge".equals(action)) {
            exchange.error(404, exchange.message("error.notFound"));
            return;
        }
        String account = exchange.param("account").trim();
        if (account.isEmpty()) {
            exchange.redirect("/archives", exchange.message("archives.noAccount"));
            return;
        }
        try {
            long removed = exchange.node().messageArchive().store().removeAll(account);
            LOG.info("Admin console: {} purged the archive of {} ({} messages)", exchange.admin(), account, removed);
            exchange.redirect("/archives", exchange.message("archives.purged", account, removed));
        } catch (RuntimeException e) {
            LOG.warn("Admin console: purging the archive of {} failed", account, e);
            exchange.redirect("/archives", exchange.message("archives.failed", account, String.valueOf(e.getMessage())));
        }
    }
}
