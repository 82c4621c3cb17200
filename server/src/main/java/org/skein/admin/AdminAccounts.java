package org.skein.admin;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.skein.config.ServerConfig;
import org.skein.user.UserAlreadyExistsException;
import org.skein.user.UserManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may log in to the admin console: the accounts named in {@code admin.users} (default
 * {@code admin}), with their XMPP password. There is no built-in password. On first start an
 * operator may put {@code admin.initialPassword} in the configuration: the first admin account is
 * then created with it, and the key is removed from the file.
 */
final class AdminAccounts {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAccounts.class);
    static final String USERS_KEY = "admin.users";
    static final String INITIAL_PASSWORD_KEY = "admin.initialPassword";

    private final ServerConfig config;
    private final UserManager users;

    AdminAccounts(ServerConfig config, UserManager users) {
        this.config = config;
        this.users = users;
    }

    List<String> adminNames() {
        return Arrays.stream(config.get(USERS_KEY, "admin").split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .map(name -> {
                    try {
                        return UserManager.normalize(name);
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                })
                .filter(java.util.Objects::nonNull)
                .collect(Collectors.toList());
    }

    boolean isAdmin(String username) {
        try {
            return adminNames().contains(UserManager.normalize(username));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Checks an admin's password; false for anyone not named in {@code admin.users}. */
    boolean authenticate(String username, String password) {
        return username != null && password != null && isAdmin(username) && users.checkPassword(username, password);
    }

    /** Whether at least one of the admin accounts exists. */
    boolean anyAdminExists() {
        return adminNames().stream().anyMatch(users::exists);
    }

    /** Creates the first admin account from {@code admin.initialPassword} if it is set and no admin exists. */
    void bootstrap() {
        String password = config.get(INITIAL_PASSWORD_KEY, "");
        if (password.isEmpty()) {
            return;
        }
        List<String> names = adminNames();
        if (!names.isEmpty() && !anyAdminExists()) {
            try {
                users.createUser(names.get(0), password, "Administrator", "");
                LOG.info("Created the admin account '{}' from {}", names.get(0), INITIAL_PASSWORD_KEY);
            } catch (UserAlreadyExistsException e) {
                LOG.debug("Admin account exists already", e);
            }
        }
        config.set(INITIAL_PASSWORD_KEY, null);
        LOG.info("Removed {} from {}", INITIAL_PASSWORD_KEY, config.source());
    }
}
