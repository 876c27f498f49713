package org.natflow.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The plot of a load sweep: set-ups/s and set-up latency (p50, p99) against outstanding set-ups. */
final class LoadPlot {

    private LoadPlot() {
    }

    static void write(List<ControlPlaneBench.Result> results, Path png) throws IOException {
        XYSeries rate = new XYSeries("set-ups/s");
        XYSeries p50 = new XYSeries("p50 latency (ms)");
        XYSeries p99 = new XYSeries("p99 latency (ms)");
        for (ControlPlaneBench.Result r : results) {
            double load = r.switches() * r.window();
            rate.add(load, r.rate());
            p50.add(load, Math.max(0.01, r.p50() / 1e6));
            p99.add(load, Math.max(0.01, r.p99() / 1e6));
        }
        LogAxis x = new LogAxis("outstanding set-ups (switches x window)");
        x.setBase(2);
        x.setNumberFormatOverride(new java.text.DecimalFormat("0"));
        NumberAxis left = new NumberAxis("NAT set-ups per second");
        LogAxis right = new LogAxis("set-up latency (ms, log scale)");
        right.setBase(10);
        right.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
        XYPlot plot = new XYPlot(new XYSeriesCollection(rate), x, left, renderer(Color.BLUE));
        plot.setRangeAxis(1, right);
        XYSeriesCollection latency = new XYSeriesCollection(p50);
        latency.addSeries(p99);
        plot.setDataset(1, latency);
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer lr = renderer(new Color(200, 80, 0));
        lr.setSeriesPaint(1, new Color(150, 0, 0));
        plot.setRenderer(1, lr);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("natflow NAT set-ups against load (emulated OpenFlow 1.3 switches)",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 520);
    }

    private static XYLineAndShapeRenderer renderer(Color color) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(2f));
        return r;
    }
}
