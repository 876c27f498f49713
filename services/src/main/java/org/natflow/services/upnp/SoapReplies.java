package org.natflow.services.upnp;

import java.util.Map;

/** SOAP answers to UPnP control points: an action's response with its out arguments, or a UPnP error. */
final class SoapReplies {

    private static final String HEAD = "<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"" + SoapCall.ENVELOPE
            + "\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>";
    private static final String TAIL = "</s:Body></s:Envelope>\n";

    /** The out argument that is an XML document. */
    static final String DOCUMENT = "NewPortListing";

    private SoapReplies() {
    }

    /**
     * The response of {@code action} of service {@code type}. An argument whose value is an XML document of its
     * own (WANIPConnection's port listing) goes as CDATA, as clients read it.
     */
    static String response(String type, String action, Map<String, String> out) {
        StringBuilder x = new StringBuilder(HEAD).append("<u:").append(action).append("Response xmlns:u=\"")
                .append(escape(type)).append("\">");
        out.forEach((k, v) -> x.append('<').append(k).append('>')
                .append(k.equals(DOCUMENT) ? "<![CDATA[" + v.replace("]]>", "]]]]><![CDATA[>") + "]]>" : escape(v))
                .append("</").append(k).append('>'));
        return x.append("</u:").append(action).append("Response>").append(TAIL).toString();
    }

    /** A UPnP error (sent with HTTP 500). */
    static String fault(UpnpError e) {
        return HEAD + "<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
                + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" + e.code() + "</errorCode>"
                + "<errorDescription>" + escape(e.description()) + "</errorDescription></UPnPError></detail>"
                + "</s:Fault>" + TAIL;
    }

    /** Text as XML character data or attribute value. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
