package org.skein.plugin;

import java.util.Locale;
import java.util.Map;

/**
 * Supplies the data of the admin console pages a plugin declares under {@code <adminconsole>} in
 * its {@code plugin.xml}. A plugin whose main class implements this interface gets its pages
 * rendered by the admin console: the page's template comes from the plugin's {@code web/} folder,
 * its strings from the plugin's {@code i18n/} bundle, and its variables from {@link #model}.
 *
 * <p>Called on an admin console request thread; may block briefly (for example on a cluster task
 * with a short timeout) but must not hang the page: use timeouts and show what did not answer.
 */
public interface AdminPageModel {

    /**
     * The variables of one page.
     *
     * @param pageId the {@code id} of the page's {@code <page>} entry
     * @param parameters the request's query parameters (first value of each)
     * @param locale the operator's locale
     * @return the template variables; never {@code null}
     * @throws IllegalArgumentException if a parameter is missing or invalid (shown as a 400 page)
     */
    Map<String, Object> model(String pageId, Map<String, String> parameters, Locale locale);
}
