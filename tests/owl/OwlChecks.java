import java.io.File;
import java.util.Set;
import java.util.TreeSet;
import org.semanticweb.HermiT.ReasonerFactory;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLClass;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.reasoner.OWLReasoner;

/** OwlChecks ONTOLOGY DATA: prints, one per line,
 *    VIOLATION kind: text      for each OWL 2 DL profile violation of the ontology (OWL API)
 *    VIOLATIONS n
 *    CONSISTENT true|false     ontology plus data, by HermiT
 *    UNSATISFIABLE n [classes]
 *  An unsupported datatype makes HermiT throw: the exception is printed, exit 1. */
public final class OwlChecks {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        Set<String> lines = new TreeSet<>();
        for (OWLProfileViolation v : report.getViolations()) {
            lines.add("VIOLATION " + v.getClass().getSimpleName() + ": " + v);
        }
        lines.forEach(System.out::println);
        System.out.println("VIOLATIONS " + report.getViolations().size());
        // its own manager: the data file holds the ontology's triples too, under the same IRI
        OWLOntology data = OWLManager.createOWLOntologyManager()
                .loadOntologyFromOntologyDocument(new File(args[1]));
        manager.addAxioms(ontology, data.axioms());
        OWLReasoner reasoner = new ReasonerFactory().createReasoner(ontology);
        boolean consistent = reasoner.isConsistent();
        System.out.println("CONSISTENT " + consistent);
        if (consistent) {
            Set<OWLClass> unsatisfiable = reasoner.getUnsatisfiableClasses().getEntitiesMinusBottom();
            System.out.println("UNSATISFIABLE " + unsatisfiable.size() + " " + unsatisfiable);
        }
        reasoner.dispose();
    }
}
