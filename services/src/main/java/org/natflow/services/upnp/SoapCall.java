package org.natflow.services.upnp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * A SOAP action call as UPnP control points send it: the action element in the envelope's body, its namespace
 * (the service type) and its arguments. Read with the JDK's parser with DOCTYPEs refused (no entities, no
 * external anything), from a body the HTTP server has already bounded; at most 32 arguments of 1 024
 * characters each.
 *
 * @param namespace the action element's namespace (the service type)
 * @param action    the action's name
 * @param arguments its arguments in order, by name
 */
record SoapCall(String namespace, String action, Map<String, String> arguments) {

    static final String ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final int MAX_ARGUMENTS = 32;
    private static final int MAX_VALUE = 1024;
    private static final DocumentBuilderFactory FACTORY = factory();

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        try {
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made safe", e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    /** The call in a body, or empty when it is no SOAP envelope with one action in its body. */
    static Optional<SoapCall> parse(byte[] body) {
        Document doc;
        try {
            DocumentBuilder b = FACTORY.newDocumentBuilder();
            b.setErrorHandler(null);
            doc = b.parse(new ByteArrayInputStream(body));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            return Optional.empty();
        }
        Element envelope = doc.getDocumentElement();
        if (!"Envelope".equals(envelope.getLocalName()) || !ENVELOPE.equals(envelope.getNamespaceURI())) {
            return Optional.empty();
        }
        Element soapBody = firstChild(envelope, "Body");
        Element action = soapBody == null ? null : firstChild(soapBody, null);
        if (action == null) {
            return Optional.empty();
        }
        Map<String, String> args = new LinkedHashMap<>();
        for (Node n = action.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                String value = e.getTextContent().strip();
                if (args.size() >= MAX_ARGUMENTS || value.length() > MAX_VALUE) {
                    return Optional.empty();
                }
                args.put(e.getLocalName(), value);
            }
        }
        return Optional.of(new SoapCall(action.getNamespaceURI(), action.getLocalName(), args));
    }

    private static Element firstChild(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (localName == null || localName.equals(e.getLocalName()))) {
                return e;
            }
        }
        return null;
    }

    /** An argument, or empty. */
    String arg(String name) {
        return arguments.getOrDefault(name, "");
    }
}
