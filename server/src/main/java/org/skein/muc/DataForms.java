package org.skein.muc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.QName;

/** XEP-0004 data forms: building the room forms and reading submitted ones. */
final class DataForms {

    private DataForms() {
    }

    /** A form to fill in ({@code type='form'}). */
    static Builder form(String formType, String title) {
        Builder b = new Builder("form", formType);
        b.x.addElement("title").setText(title);
        return b;
    }

    /** A form that only reports ({@code type='result'}), as in disco#info extensions. */
    static Builder result(String formType) {
        return new Builder("result", formType);
    }

    /** Builds one form. */
    static final class Builder {
        private final Element x;

        private Builder(String type, String formType) {
            x = DocumentHelper.createElement(QName.get("x", MucXml.DATA));
            x.addAttribute("type", type);
            Element hidden = field("FORM_TYPE", "hidden", null);
            hidden.addElement("value").setText(formType);
        }

        private Element field(String var, String type, String label) {
            Element field = x.addElement("field").addAttribute("var", var).addAttribute("type", type);
            if (label != null) {
                field.addAttribute("label", label);
            }
            return field;
        }

        Builder text(String var, String label, String value) {
            field(var, "text-single", label).addElement("value").setText(value);
            return this;
        }

        Builder secret(String var, String label, String value) {
            field(var, "text-private", label).addElement("value").setText(value);
            return this;
        }

        Builder bool(String var, String label, boolean value) {
            field(var, "boolean", label).addElement("value").setText(value ? "1" : "0");
            return this;
        }

        Builder list(String var, String label, String value, Map<String, String> options) {
            Element field = field(var, "list-single", label);
            field.addElement("value").setText(value);
            options.forEach((v, optionLabel) -> field.addElement("option").addAttribute("label", optionLabel).addElement("value").setText(v));
            return this;
        }

        Builder jids(String var, String label, Collection<String> values) {
            Element field = field(var, "jid-multi", label);
            for (String v : values) {
                field.addElement("value").setText(v);
            }
            return this;
        }

        Element element() {
            return x;
        }
    }

    /** The values of a submitted form by field (fields without a {@code var} left out), or {@code null} if the element is not one. */
    static Map<String, List<String>> submitted(Element x) {
        if (x == null || !"x".equals(x.getName()) || !MucXml.DATA.equals(x.getNamespaceURI())) {
            return null;
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (Element field : x.elements("field")) {
            String var = field.attributeValue("var");
            if (var == null) {
                continue;
            }
            List<String> list = new ArrayList<>();
            for (Element value : field.elements("value")) {
                list.add(value.getText());
            }
            values.put(var, list);
        }
        return values;
    }

    /** A boolean value as XEP-0004 writes it ({@code 1}/{@code true}, {@code 0}/{@code false}). */
    static boolean bool(String value) {
        if ("1".equals(value) || "true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("0".equals(value) || "false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean: '" + value + "'");
    }
}
