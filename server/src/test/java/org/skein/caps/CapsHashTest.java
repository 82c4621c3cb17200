package org.skein.caps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.skein.xmpp.stream.StanzaParser;

/** The verification strings of XEP-0115 (1.6) sections 5.2 and 5.3, and the answers section 5.4 calls invalid. */
class CapsHashTest {

    private static final String SIMPLE = """
            <query xmlns='http://jabber.org/protocol/disco#info' node='http://code.google.com/p/exodus#QgayPKawpkPSDYmwT/WM94uAlu0='>
              <identity category='client' name='Exodus 0.9.1' type='pc'/>
              <feature var='http://jabber.org/protocol/caps'/>
              <feature var='http://jabber.org/protocol/disco#info'/>
              <feature var='http://jabber.org/protocol/disco#items'/>
              <feature var='http://jabber.org/protocol/muc'/>
            </query>""";

    private static final String COMPLEX = """
            <query xmlns='http://jabber.org/protocol/disco#info' node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>
              <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
              <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>
              <feature var='http://jabber.org/protocol/caps'/>
              <feature var='http://jabber.org/protocol/disco#info'/>
              <feature var='http://jabber.org/protocol/disco#items'/>
              <feature var='http://jabber.org/protocol/muc'/>
              <x xmlns='jabber:x:data' type='result'>
                <field var='FORM_TYPE' type='hidden'>
                  <value>urn:xmpp:dataforms:softwareinfo</value>
                </field>
                <field var='ip_version'>
                  <value>ipv4</value>
                  <value>ipv6</value>
                </field>
                <field var='os'>
                  <value>Mac</value>
                </field>
                <field var='os_version'>
                  <value>10.5.1</value>
                </field>
                <field var='software'>
                  <value>Psi</value>
                </field>
                <field var='software_version'>
                  <value>0.11</value>
                </field>
              </x>
            </query>""";

    @Test
    void theSimpleExampleOfTheXep() {
        assertThat(CapsHash.verificationString(StanzaParser.parseElement(SIMPLE), "sha-1")).contains("QgayPKawpkPSDYmwT/WM94uAlu0=");
    }

    @Test
    void theComplexExampleOfTheXepWithLanguagesAndAForm() {
        assertThat(CapsHash.verificationString(StanzaParser.parseElement(COMPLEX), "sha-1")).contains("q07IKJEyjvHSyhy//CH0CxmKi8w=");
    }

    @Test
    void theOrderOfTheAnswerDoesNotMatter() {
        String shuffled = """
                <query xmlns='http://jabber.org/protocol/disco#info'>
                  <feature var='http://jabber.org/protocol/muc'/>
                  <feature var='http://jabber.org/protocol/disco#items'/>
                  <identity category='client' name='Exodus 0.9.1' type='pc'/>
                  <feature var='http://jabber.org/protocol/disco#info'/>
                  <feature var='http://jabber.org/protocol/caps'/>
                </query>""";
        assertThat(CapsHash.verificationString(StanzaParser.parseElement(shuffled), "sha-1")).contains("QgayPKawpkPSDYmwT/WM94uAlu0=");
    }

    @Test
    void invalidAnswersHaveNoVerificationString() {
        String duplicateFeature = SIMPLE.replace("<feature var='http://jabber.org/protocol/muc'/>",
                "<feature var='http://jabber.org/protocol/muc'/><feature var='http://jabber.org/protocol/muc'/>");
        String duplicateIdentity = SIMPLE.replace("<feature var='http://jabber.org/protocol/muc'/>",
                "<feature var='http://jabber.org/protocol/muc'/><identity category='client' name='Exodus 0.9.1' type='pc'/>");
        String twoFormsOfOneType = COMPLEX.replace("</query>", """
                <x xmlns='jabber:x:data' type='result'>
                  <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
                </x></query>""");
        assertThat(CapsHash.verificationString(StanzaParser.parseElement(duplicateFeature), "sha-1")).isEmpty();
        assertThat(CapsHash.verificationString(StanzaParser.parseElement(duplicateIdentity), "sha-1")).isEmpty();
        assertThat(CapsHash.verificationString(StanzaParser.parseElement(twoFormsOfOneType), "sha-1")).isEmpty();
    }

    @Test
    void aFormWhoseTypeIsNotHiddenIsLeftOut() {
        String visibleType = COMPLEX.replace("<field var='FORM_TYPE' type='hidden'>", "<field var='FORM_TYPE'>");
        String withoutForm = COMPLEX.replaceAll("(?s)<x xmlns='jabber:x:data'.*</x>", "");
        assertThat(CapsHash.verificationString(StanzaParser.parseElement(visibleType), "sha-1"))
                .isEqualTo(CapsHash.verificationString(StanzaParser.parseElement(withoutForm), "sha-1"));
    }

    @Test
    void unknownHashFunctionsAreNotVerified() {
        assertThat(CapsHash.supports("md5")).isFalse();
        assertThat(CapsHash.verificationString(StanzaParser.parseElement(SIMPLE), "md5")).isEmpty();
        assertThat(CapsHash.verificationString(StanzaParser.parseElement(SIMPLE), "sha-256")).isPresent();
    }
}
