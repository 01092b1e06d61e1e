import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSet;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.core.Var;
import org.apache.jena.sparql.engine.binding.Binding;
import org.apache.jena.sparql.engine.binding.BindingBuilder;
import org.apache.jena.sparql.exec.QueryExec;
import org.apache.jena.sparql.exec.RowSet;
import org.apache.jena.sparql.syntax.syntaxtransform.QueryScopeException;
import org.apache.jena.sparql.util.NodeFactoryExtra;

/** JenaQueries DATA DIR: loads DATA (N-Triples) into memory, then for each DIR/NAME.rq runs
 *  the query with the substitutions in DIR/NAME.bind (lines: VAR TAB TERM in N-Triples form)
 *  and writes its results as SPARQL JSON to DIR/NAME.srj (or the error to DIR/NAME.err).
 *  A value Jena will not substitute (a variable the query binds itself) is joined instead. */
public final class JenaQueries {
    public static void main(String[] args) throws Exception {
        DatasetGraph data = DatasetGraphFactory.createTxnMem();
        RDFDataMgr.read(data, args[0]);
        File[] files = new File(args[1]).listFiles((dir, name) -> name.endsWith(".rq"));
        Arrays.sort(files);
        for (File file : files) {
            String name = file.getName().substring(0, file.getName().length() - 3);
            Path bind = file.toPath().resolveSibling(name + ".bind");
            try {
                Query query = QueryFactory.create(Files.readString(file.toPath(),
                        StandardCharsets.UTF_8), Syntax.syntaxSPARQL_11);
                List<Var> vars = new ArrayList<>();
                BindingBuilder values = BindingBuilder.create();
                if (Files.exists(bind)) {
                    for (String line : Files.readAllLines(bind, StandardCharsets.UTF_8)) {
                        if (line.isEmpty()) continue;
                        String[] parts = line.split("\t", 2);
                        vars.add(Var.alloc(parts[0]));
                        values.add(Var.alloc(parts[0]), NodeFactoryExtra.parseNode(parts[1]));
                    }
                }
                Binding binding = values.build();
                RowSet rows;
                try {
                    rows = QueryExec.dataset(data).query(query).substitution(binding).build()
                            .select().materialize();
                } catch (QueryScopeException e) {
                    // Jena will not substitute a variable the query binds itself (VALUES ?kind
                    // {...}): give the value as a trailing VALUES block, a join to the same end
                    Query joined = query.cloneQuery();
                    joined.setValuesDataBlock(vars, List.of(binding));
                    rows = QueryExec.dataset(data).query(joined).build().select().materialize();
                }
                try (OutputStream out = new FileOutputStream(new File(args[1], name + ".srj"))) {
                    ResultSetFormatter.outputAsJSON(out, ResultSet.adapt(rows));
                }
            } catch (Exception e) {
                Files.writeString(file.toPath().resolveSibling(name + ".err"), e.toString(),
                        StandardCharsets.UTF_8);
            }
        }
        System.out.println("DONE " + files.length);
    }
}
