package org.skein.admin;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

/**
 * Renders the console's pages with Thymeleaf: templates from {@code org/skein/admin/templates/},
 * strings from the console's bundles, HTML escaping by default (no page is built by concatenating
 * strings).
 */
final class Templates {

    /** The locales the console speaks; the first is the default. */
    static final List<Locale> LOCALES = List.of(Locale.ENGLISH, Locale.GERMAN, Locale.SIMPLIFIED_CHINESE);

    private final TemplateEngine engine;
    private final JakartaServletWebApplication application;

    Templates(ServletContext servletContext) {
        this.application = JakartaServletWebApplication.buildApplication(servletContext);
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(Templates.class.getClassLoader());
        configure(resolver, "org/skein/admin/templates/");
        this.engine = new TemplateEngine();
        engine.setTemplateResolver(resolver);
        engine.setMessageResolver(new BundleMessageResolver(locale -> List.of(BundleMessageResolver.consoleBundle(locale))));
    }

    static void configure(AbstractConfigurableTemplateResolver resolver, String prefix) {
        resolver.setPrefix(prefix);
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
    }

    /** A Thymeleaf context for this request, with the model's variables. */
    WebContext context(HttpServletRequest request, HttpServletResponse response, Locale locale, Map<String, Object> model) {
        return new WebContext(application.buildExchange(request, response), locale, model);
    }

    void render(String template, Map<String, Object> model, HttpServletRequest request, HttpServletResponse response,
                Locale locale) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        engine.process(template, context(request, response, locale, model), response.getWriter());
    }

    /** Renders to a string (for a plugin page's content inside the console layout). */
    String renderToString(TemplateEngine templateEngine, String template, Map<String, Object> model,
                          HttpServletRequest request, HttpServletResponse response, Locale locale) {
        return templateEngine.process(template, context(request, response, locale, model));
    }

    /** The locale to answer in: the {@code lang} cookie, else the browser's preference, else English. */
    static Locale localeOf(HttpServletRequest request) {
        if (request.getCookies() != null) {
            for (jakarta.servlet.http.Cookie cookie : request.getCookies()) {
                if (cookie.getName().equals("lang")) {
                    Locale chosen = supported(Locale.forLanguageTag(cookie.getValue()));
                    if (chosen != null) {
                        return chosen;
                    }
                }
            }
        }
        for (java.util.Enumeration<Locale> e = request.getLocales(); e.hasMoreElements(); ) {
            Locale chosen = supported(e.nextElement());
            if (chosen != null) {
                return chosen;
            }
        }
        return LOCALES.get(0);
    }

    static Locale supported(Locale wanted) {
        for (Locale locale : LOCALES) {
            if (locale.getLanguage().equals(wanted.getLanguage())) {
                return locale;
            }
        }
        return null;
    }

    static ResourceBundle bundle(Locale locale) {
        return BundleMessageResolver.consoleBundle(locale);
    }
}
