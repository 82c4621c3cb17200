package org.skein.xmpp.sasl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.skein.auth.ScramAlgorithm;
import org.skein.auth.ScramCredentials;
import org.skein.user.User;
import org.skein.user.UserAlreadyExistsException;
import org.skein.user.UserNotFoundException;
import org.skein.user.UserStore;

/** A user store in a map, for unit tests of the SASL mechanisms. */
final class InMemoryUserStore implements UserStore {

    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, List<ScramCredentials>> credentials = new ConcurrentHashMap<>();

    @Override
    public Optional<User> find(String username) {
        return Optional.ofNullable(users.get(username));
    }

    @Override
    public User create(String username, List<ScramCredentials> creds, String name, String email) throws UserAlreadyExistsException {
        User user = new User(username, name, email, Instant.now());
        if (users.putIfAbsent(username, user) != null) {
            throw new UserAlreadyExistsException(username);
        }
        credentials.put(username, List.copyOf(creds));
        return user;
    }

    @Override
    public void delete(String username) throws UserNotFoundException {
        if (users.remove(username) == null) {
            throw new UserNotFoundException(username);
        }
        credentials.remove(username);
    }

    @Override
    public void setCredentials(String username, List<ScramCredentials> creds) throws UserNotFoundException {
        if (!users.containsKey(username)) {
            throw new UserNotFoundException(username);
        }
        credentials.put(username, List.copyOf(creds));
    }

    @Override
    public Optional<ScramCredentials> credentials(String username, ScramAlgorithm algorithm) {
        return credentials.getOrDefault(username, List.of()).stream().filter(c -> c.algorithm() == algorithm).findFirst();
    }

    @Override
    public List<String> usernames(int offset, int limit) {
        List<String> names = new ArrayList<>(users.keySet());
        names.sort(null);
        return names.subList(Math.min(offset, names.size()), Math.min(offset + limit, names.size()));
    }

    @Override
    public int count() {
        return users.size();
    }
}
