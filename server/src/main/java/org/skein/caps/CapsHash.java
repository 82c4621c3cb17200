package org.skein.caps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dom4j.Element;
import org.dom4j.QName;

/**
 * The verification string of XEP-0115 (version 1.6) section 5.1: identities, features and extended
 * forms (XEP-0128) of a {@code disco#info} answer, in a fixed order, hashed and encoded in Base64. An
 * answer that section 5.4 calls invalid (two equal identities or features, a form whose
 * {@code FORM_TYPE} is not hidden or appears twice) has no verification string.
 */
public final class CapsHash {

    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String DATA_FORMS = "jabber:x:data";
    private static final String XML_NS = "http://www.w3.org/XML/1998/namespace";

    /** The hash functions of IANA's registry that XEP-0115 allows, by the name clients use. */
    private static final Map<String, String> ALGORITHMS = Map.of(
            "sha-1", "SHA-1",
            "sha-224", "SHA-224",
            "sha-256", "SHA-256",
            "sha-384", "SHA-384",
            "sha-512", "SHA-512");

    private CapsHash() {
    }

    /** Whether entity capabilities with this {@code hash} attribute can be verified here. */
    public static boolean supports(String hashName) {
        return hashName != null && ALGORITHMS.containsKey(hashName.toLowerCase(Locale.ROOT));
    }

    /**
     * The verification string of a {@code disco#info} {@code <query/>}.
     *
     * @param hashName the {@code hash} attribute, such as {@code sha-1}
     * @return empty if the hash function is unknown or the answer is invalid (section 5.4)
     */
    public static Optional<String> verificationString(Element query, String hashName) {
        if (!supports(hashName)) {
            return Optional.empty();
        }
        Optional<String> input = input(query);
        if (input.isEmpty()) {
            return Optional.empty();
        }
        try {
            MessageDigest digest = MessageDigest.getInstance(ALGORITHMS.get(hashName.toLowerCase(Locale.ROOT)));
            byte[] hash = digest.digest(input.get().getBytes(StandardCharsets.UTF_8));
            return Optional.of(Base64.getEncoder().encodeToString(hash));
        } catch (NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    /** The string that is hashed (steps 1 to 8 of section 5.1), or empty for an invalid answer. */
    static Optional<String> input(Element query) {
        StringBuilder s = new StringBuilder(512);
        List<String[]> identities = new ArrayList<>();
        Set<List<String>> seen = new HashSet<>();
        for (Element identity : query.elements("identity")) {
            String lang = identity.attributeValue(QName.get("lang", "xml", XML_NS));
            String[] parts = {attr(identity, "category"), attr(identity, "type"), lang == null ? "" : lang,
                    attr(identity, "name")};
            if (!seen.add(List.of(parts))) {
                return Optional.empty();
            }
            identities.add(parts);
        }
        identities.sort(CapsHash::compareIdentities);
        for (String[] identity : identities) {
            s.append(identity[0]).append('/').append(identity[1]).append('/').append(identity[2]).append('/')
                    .append(identity[3]).append('<');
        }
        List<String> features = new ArrayList<>();
        for (Element feature : query.elements("feature")) {
            features.add(attr(feature, "var"));
        }
        if (new HashSet<>(features).size() != features.size()) {
            return Optional.empty();
        }
        features.sort(CapsHash::octets);
        for (String feature : features) {
            s.append(feature).append('<');
        }
        List<Form> forms = new ArrayList<>();
        Set<String> formTypes = new HashSet<>();
        for (Element x : query.elements(QName.get("x", DATA_FORMS))) {
            Form form = Form.of(x);
            if (form == null) {
                continue; // no FORM_TYPE: left out
            }
            if (form.type() == null || !formTypes.add(form.type())) {
                return Optional.empty(); // FORM_TYPE with different values, or two forms of one type
            }
            if (form.typeHidden()) {
                forms.add(form); // a FORM_TYPE that is not hidden: the form is left out
            }
        }
        forms.sort((a, b) -> octets(a.type(), b.type()));
        for (Form form : forms) {
            s.append(form.type()).append('<');
            for (Field field : form.fields()) {
                s.append(field.var()).append('<');
                for (String value : field.values()) {
                    s.append(value).append('<');
                }
            }
        }
        return Optional.of(s.toString());
    }

    /** Identities by category, then type, then xml:lang (then name, so that the order is total). */
    private static int compareIdentities(String[] a, String[] b) {
        for (int i = 0; i < a.length; i++) {
            int c = octets(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The "i;octet" collation of RFC 4790: UTF-8 bytes, unsigned. */
    static int octets(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String attr(Element element, String name) {
        String value = element.attributeValue(name);
        return value == null ? "" : value;
    }

    private record Field(String var, List<String> values) {
    }

    private record Form(String type, boolean typeHidden, List<Field> fields) {

        /**
         * The form, or {@code null} if it has no FORM_TYPE field; a form whose FORM_TYPE has different
         * values has a {@code null} type.
         */
        static Form of(Element x) {
            Set<String> types = null;
            boolean hidden = false;
            List<Field> fields = new ArrayList<>();
            for (Element field : x.elements(QName.get("field", DATA_FORMS))) {
                String var = attr(field, "var");
                List<String> values = new ArrayList<>();
                for (Element value : field.elements(QName.get("value", DATA_FORMS))) {
                    values.add(value.getText());
                }
                if ("FORM_TYPE".equals(var)) {
                    types = types == null ? new HashSet<>() : types;
                    types.addAll(values);
                    hidden = "hidden".equals(field.attributeValue("type"));
                    continue;
                }
                values.sort(CapsHash::octets);
                fields.add(new Field(var, values));
            }
            if (types == null) {
                return null;
            }
            fields.sort((a, b) -> octets(a.var(), b.var()));
            return new Form(types.size() == 1 ? types.iterator().next() : null, hidden, fields);
        }
    }
}
