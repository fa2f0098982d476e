using PingYi.Domain.Common;

namespace PingYi.Domain.Units;

/// <summary>单位类别: the four groups units are ranked within.</summary>
public enum UnitCategory
{
    PartyMass = 1,
    Government = 2,
    EnterpriseInstitution = 3,
    Central = 4,
}

public static class UnitCategories
{
    public static readonly CodeList<UnitCategory> Codes = new(
        (UnitCategory.PartyMass, "party-mass", "党群工作部门（含法检两院）"),
        (UnitCategory.Government, "government", "省政府工作部门"),
        (UnitCategory.EnterpriseInstitution, "enterprise-institution", "企事业单位"),
        (UnitCategory.Central, "central", "中直单位"));
}
