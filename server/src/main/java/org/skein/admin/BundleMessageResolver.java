package org.skein.admin;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.messageresolver.AbstractMessageResolver;

/**
 * Resolves {@code #{key}} in templates from resource bundles, first bundle that has the key wins.
 * The console's own strings are in {@code org/skein/admin/i18n/admin*.properties} (UTF-8); a plugin's
 * page also sees the bundles in the plugin's {@code i18n/} folder, before the console's.
 */
final class BundleMessageResolver extends AbstractMessageResolver {

    /** A source of bundles by locale. */
    interface Bundles {
        List<ResourceBundle> forLocale(Locale locale);
    }

    private final Bundles bundles;

    BundleMessageResolver(Bundles bundles) {
        this.bundles = bundles;
    }

    static ResourceBundle consoleBundle(Locale locale) {
        return ResourceBundle.getBundle("org.skein.admin.i18n.admin", locale, BundleMessageResolver.class.getClassLoader(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    @Override
    public String resolveMessage(ITemplateContext context, Class<?> origin, String key, Object[] messageParameters) {
        for (ResourceBundle bundle : bundles.forLocale(context.getLocale())) {
            try {
                String pattern = bundle.getString(key);
                if (messageParameters == null || messageParameters.length == 0) {
                    return pattern;
                }
                return new MessageFormat(pattern, context.getLocale()).format(messageParameters);
            } catch (MissingResourceException e) {
                // next bundle
            }
        }
        return null;
    }

    @Override
    public String createAbsentMessageRepresentation(ITemplateContext context, Class<?> origin, String key, Object[] messageParameters) {
        return "??" + key + "??";
    }
}
