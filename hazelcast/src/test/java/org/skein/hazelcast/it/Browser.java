package org.skein.hazelcast.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium from the machine's packages ({@code /usr/bin/chromium}, driven through
 * {@code /usr/bin/chromedriver}; on Debian: {@code apt-get install chromium chromium-driver}), with
 * a fresh profile under {@code target/}, and screenshots into {@code target/screenshots/}. Closing it
 * quits the browser, stops the driver, deletes the profile and reports the browser or driver
 * processes that outlived it.
 *
 * <p>Tests look at pages through {@link #until}: the browser, its driver and the nodes share a machine
 * whose cores may be busy, so nothing is looked up before the page that has it is there.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMEDRIVER = Path.of(System.getProperty("skein.chromedriver", "/usr/bin/chromedriver"));
    static final Path CHROMIUM = Path.of(System.getProperty("skein.chromium", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** How long a condition on a page may take: long, as it only matters when the condition never comes. */
    static final Duration PATIENCE = Duration.ofSeconds(90);

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final List<ProcessHandle> processes;

    static {
        // Selenium ships no DevTools bindings for this Chromium; classic WebDriver is all the test uses
        Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder").setLevel(Level.SEVERE);
        Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver").setLevel(Level.SEVERE);
    }

    Browser() throws IOException {
        this(List.of());
    }

    /** @param extraArguments more command line switches for Chromium (host resolver rules, trusted keys...) */
    Browser(List<String> extraArguments) throws IOException {
        if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("The browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian: sudo apt-get install -y chromium chromium-driver; the README's test command ./skein-test.sh"
                    + " installs them)");
        }
        Files.createDirectories(SCREENSHOTS);
        profile = Files.createDirectories(Path.of("target")).resolve("browser-profile-" + UUID.randomUUID());
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .withTimeout(Duration.ofMinutes(2))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-sync", "--disable-default-apps", "--password-store=basic", "--lang=en-US");
        options.addArguments(extraArguments);
        options.setExperimentalOption("prefs", Map.of("credentials_enable_service", false, "profile.password_manager_enabled", false,
                "profile.password_manager_leak_detection", false, "intl.accept_languages", "en-US,en"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver started;
        try {
            service.start();
            started = new ChromeDriver(service, options);
        } catch (RuntimeException | IOException e) {
            service.stop();
            deleteProfile();
            throw e;
        }
        driver = started;
        driver.manage().timeouts().pageLoadTimeout(Duration.ofMinutes(2));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        // the driver and every browser process it started: a browser whose driver is gone is no
        // longer our descendant, so they are remembered now to be checked after close
        processes = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
                .collect(Collectors.toList());
    }

    WebDriver driver() {
        return driver;
    }

    /**
     * Waits until the condition holds (returns neither null nor false), for at most {@link #PATIENCE}:
     * a WebDriver wait that looks again while the element is missing or was replaced by a newer page.
     *
     * @return the condition's last value
     * @throws org.openqa.selenium.TimeoutException if it never held
     */
    <T> T until(Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, PATIENCE).ignoring(StaleElementReferenceException.class)
                .until(d -> lookAgainIfReplaced(condition, d));
    }

    /**
     * The condition's value, or null (look again) where Chrome reports an element of a page that was
     * replaced meanwhile as an "unknown error" instead of a stale element (seen with Chrome 156).
     */
    private static <T> T lookAgainIfReplaced(Function<? super WebDriver, T> condition, WebDriver d) {
        try {
            return condition.apply(d);
        } catch (WebDriverException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("does not belong to the document") || message.contains("No node with given id")) {
                return null;
            }
            throw e;
        }
    }

    /**
     * What the pages wrote to the browser's console since the last call that the console's pages
     * must never cause: content security policy violations and uncaught script errors.
     */
    List<String> pageErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught"))
                .collect(Collectors.toList());
    }

    /** Saves a screenshot of what the browser shows as {@code target/screenshots/<name>.png}. */
    Path screenshot(String name) {
        Path file = SCREENSHOTS.resolve(name + ".png");
        try {
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** After a failed step: a screenshot and the page source, named after the step. */
    void saveFailure(String step) {
        try {
            Files.write(SCREENSHOTS.resolve("failure-" + step + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            Files.writeString(SCREENSHOTS.resolve("failure-" + step + ".html"),
                    "<!-- " + driver.getCurrentUrl() + " -->\n" + driver.getPageSource(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            // the browser itself may be what failed; the test's own error says more
        }
    }

    /** The browser and driver processes started for this browser that are still alive. */
    List<ProcessHandle> aliveProcesses() {
        return processes.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList());
    }

    int processCount() {
        return processes.size();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteProfile();
        }
    }

    private void deleteProfile() {
        if (!Files.exists(profile)) {
            return;
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a profile left in target/ is removed by the next clean
        }
    }
}
